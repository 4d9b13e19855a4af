using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Iot.Cloud.Audit;

/// <summary>Wires the audit log's guard into every database context.</summary>
public static class AuditSetup
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IInterceptor, AuditAppendOnly>();
        return builder;
    }
}
