using Iot.Edge.Agent;
using Iot.Edge.Calibration;
using Iot.Edge.Provisioning;
using Iot.Edge.Sites;

// The edge agent's verbs. Each verb owns its wiring; see edge/README.md.
return args.FirstOrDefault() switch
{
    "validate" => ValidateCommand.Run(args[1..], Console.Out),
    "run" => await AgentCommand.RunAsync("run", args[1..]),
    "fleet" => await AgentCommand.RunAsync("fleet", args[1..]),
    "provision" => ProvisionCommand.Run(args[1..], Console.Out),
    "calibrate" => CalibrateCommand.Run(args[1..], Console.Out),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: iot-edge <verb> [options]

          run <site folder> --agent <agent id> [--simulate] [--broker host:port] [--data <folder>]
                                   run one agent: on a Raspberry Pi, or over simulated chips
          fleet <site folder> --simulate [--broker host:port] [--agents N] [--data <folder>] [--sample-seconds S]
                                   run every agent of the site (or the first N) in one process, simulated
          validate <site folder>   check a site's manifests (site.json, communities/*.json) and list every problem
          calibrate <site folder> --agent <id> --zero | --device <id> [--outlet n] --known-amps A
                                   measure the current transformers' zero (relays open) or factor (a known load)
          provision broker|bundle <site folder> ...
                                   broker accounts, ACL and TLS for a site; one Raspberry Pi's install bundle

        Settings also come from appsettings.json and environment variables (Mqtt__Password=...); see edge/README.md.
        """);
    return 2;
}
