using System.Linq.Expressions;
using Iot.Cloud.Auth;

namespace Iot.Cloud.Sites;

/// <summary>Which courtyards and agents of the registry a person may see: those in their scope.</summary>
public static class SiteScope
{
    extension(AccessScope scope)
    {
        /// <summary>The courtyards in scope, as a query filter.</summary>
        public Expression<Func<Courtyard, bool>> Courtyards
        {
            get
            {
                var ids = scope.CourtyardIds;
                return scope.SeesEverything ? c => true : c => ids.Contains(c.Id);
            }
        }

        /// <summary>The agents in scope (by their courtyard), as a query filter.</summary>
        public Expression<Func<Agent, bool>> Agents
        {
            get
            {
                var ids = scope.CourtyardIds;
                return scope.SeesEverything ? a => true : a => ids.Contains(a.CourtyardId);
            }
        }
    }
}
