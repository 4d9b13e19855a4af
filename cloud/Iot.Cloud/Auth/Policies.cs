namespace Iot.Cloud.Auth;

/// <summary>The authorization policies, by what they allow. Scope (which courtyards) is checked per resource on top.</summary>
public static class Policies
{
    /// <summary>Any signed-in account (also the fallback for every endpoint that names no policy).</summary>
    public const string Staff = "staff";

    /// <summary>Change work: move work orders, open them, acknowledge and close alerts, maintenance windows, photos.</summary>
    public const string Work = "work";

    /// <summary>Open and end maintenance windows: the company's supervisor, the community, the street office (not the staff whose alerts they silence).</summary>
    public const string Maintenance = "maintenance";

    /// <summary>Supervise the company: the audit log (the residents' committee and the street office).</summary>
    public const string Supervise = "supervise";

    /// <summary>Rate a repair: the community supervising its property company, and the street office.</summary>
    public const string Rate = "rate";

    /// <summary>Notification channels and rotas: the street office (every party's) and a company's supervisor (its own).</summary>
    public const string Notify = "notify";

    /// <summary>The street office: accounts, rules, ingest administration.</summary>
    public const string StreetAdmin = "street-admin";

    /// <summary>Sign-in attempts per client (rate limiter policy).</summary>
    public const string SignInLimit = "sign-in";
}
