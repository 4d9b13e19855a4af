using System.Linq.Expressions;
using Iot.Cloud.Auth;
using Microsoft.EntityFrameworkCore;

namespace Iot.Cloud.Alerts;

/// <summary>Which alerts and maintenance windows a person may see: those of the courtyards in their scope.</summary>
public static class AlertScope
{
    extension(AccessScope scope)
    {
        /// <summary>The alerts in scope, as a query filter.</summary>
        public Expression<Func<Alert, bool>> Alerts
        {
            get
            {
                var ids = scope.CourtyardIds;
                return scope.SeesEverything ? a => true : a => ids.Contains(a.CourtyardId);
            }
        }

        /// <summary>The maintenance windows in scope, as a query filter.</summary>
        public Expression<Func<MaintenanceWindow, bool>> MaintenanceWindows
        {
            get
            {
                var ids = scope.CourtyardIds;
                return scope.SeesEverything ? m => true : m => ids.Contains(m.CourtyardId);
            }
        }
    }

    /// <summary>The route value <c>id</c> is an alert id; outside the scope it does not exist (404).</summary>
    public static RouteHandlerBuilder ForAlert(this RouteHandlerBuilder builder) =>
        builder.ForRow(async (db, id, scope, ct) =>
            scope.Courtyard(await db.Alerts.AsNoTracking().Where(a => a.Id == id).Select(a => a.CourtyardId).FirstOrDefaultAsync(ct)));

    /// <summary>The route value <c>id</c> is a maintenance window id; outside the scope it does not exist (404).</summary>
    public static RouteHandlerBuilder ForMaintenanceWindow(this RouteHandlerBuilder builder) =>
        builder.ForRow(async (db, id, scope, ct) =>
            scope.Courtyard(await db.MaintenanceWindows.AsNoTracking().Where(m => m.Id == id).Select(m => m.CourtyardId).FirstOrDefaultAsync(ct)));
}
