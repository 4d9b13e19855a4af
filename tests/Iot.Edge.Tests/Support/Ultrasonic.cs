namespace Iot.Edge.Tests.Support;

/// <summary>
/// Tests that time HC-SR04 echoes run one at a time: the binding polls a pin against a stopwatch, and two such
/// busy loops on a two-core machine deschedule each other into long readings.
/// </summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class Ultrasonic
{
    public const string Collection = "ultrasonic";
}
