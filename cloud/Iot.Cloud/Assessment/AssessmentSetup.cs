namespace Iot.Cloud.Assessment;

/// <summary>Wires the monthly assessment (its patrol figures come from <see cref="Patrols.PatrolRecord"/>).</summary>
public static class AssessmentSetup
{
    public static IHostApplicationBuilder AddAssessment(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<AssessmentService>();
        builder.Services.AddSingleton<AssessmentSweep>();
        builder.Services.AddHostedService(s => s.GetRequiredService<AssessmentSweep>());
        return builder;
    }
}
