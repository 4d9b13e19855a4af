using Iot.Edge.Sites;

// The edge agent's verbs. Each verb owns its wiring; see edge/README.md.
return args.FirstOrDefault() switch
{
    "validate" => ValidateCommand.Run(args[1..], Console.Out),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: iot-edge <verb> [options]

          validate <site folder>   check a site's manifests (site.json, communities/*.json) and list every problem
        """);
    return 2;
}
