using Iot.Edge.Bench;

// Outbox benchmarks; see bench/README.md.
return args.FirstOrDefault() switch
{
    "stress" => OutboxStress.Run(args[1..]),
    "rates" => await OutboxRates.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Iot.Edge.Bench stress <folder> <agent> <boot>      write to an outbox until killed, printing each seq written
               Iot.Edge.Bench rates <folder> [records] [host:port] outbox write, disk replay and MQTT replay rates
        """);
    return 2;
}
