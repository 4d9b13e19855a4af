namespace Iot.Cloud.Assessment;

/// <summary>Wires the monthly assessment. The patrol feature registers <see cref="IPatrolTally"/>; without it the patrol figures stay empty.</summary>
public static class AssessmentSetup
{
    public static IHostApplicationBuilder AddAssessment(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<AssessmentService>();

        // The pages' view of it (dashboard, report, public grades, the notices on the community dashboard).
        builder.Services.AddScoped<Web.Dashboards.AssessmentBoard>();
        builder.Services.AddSingleton<AssessmentSweep>();
        builder.Services.AddHostedService(s => s.GetRequiredService<AssessmentSweep>());
        return builder;
    }
}
