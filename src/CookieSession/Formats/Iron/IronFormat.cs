using CookieSession.Formats.Transports;

namespace CookieSession.Formats.Iron;

/// <summary>
/// The facts of <see cref="CookieSessionFormat.IronSession"/>: iron's seal under numbered passwords, in iron-session's
/// chunks (<see cref="IronChunkedCookie"/>), expiring after <see cref="CookieSessionOptions.IronSessionTtl"/>.
/// </summary>
internal static class IronFormat
{
    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.IronSession,
        DefaultCookieName = CookieSessionDefaults.IronSessionCookieName,
        MetricName = "iron_session",
        RenewalReason = "an older password sealed it",
        Validate = Validate,
        ValidateUnused = ValidateUnused,
        CreateTransport = context => new IronChunkedCookie(context.CookieName, context.Logger),
        CreateCodec = context => new IronCodec(new IronPasswords(PasswordsOf(context.Options)), context.Options.IronSessionTtl, context.Time),
    };

    /// <summary>iron-session's numbered passwords: <see cref="CookieSessionOptions.Secret"/> is id 1.</summary>
    public static IReadOnlyDictionary<int, string> PasswordsOf(CookieSessionOptions options)
    {
        var passwords = new Dictionary<int, string>(options.IronSessionPasswords ?? new Dictionary<int, string>());
        if (options.Secret is not null)
        {
            passwords.TryAdd(1, options.Secret);
        }

        return passwords;
    }

    private static void ValidateUnused(CookieSessionOptions options, List<string> failures)
    {
        if (options.IronSessionPasswords is { Count: > 0 })
        {
            failures.Add($"CookieSessionOptions.IronSessionPasswords are for Format IronSession, not {options.Format}: use Secret or Secrets.");
        }

        if (options.IronSessionTtl != CookieSessionDefaults.IronSessionTtl)
        {
            failures.Add($"CookieSessionOptions.IronSessionTtl is for Format IronSession, not {options.Format}.");
        }
    }

    private static void Validate(CookieSessionOptions options, List<string> failures)
    {
        var passwords = options.IronSessionPasswords ?? new Dictionary<int, string>();
        if (options.Secrets is { Count: > 0 })
        {
            failures.Add("CookieSessionOptions.Secrets is not used by Format IronSession: numbered passwords go in IronSessionPasswords (the highest id seals), or set one Secret (id 1).");
        }

        if (options.Secret is not null && passwords.ContainsKey(1))
        {
            failures.Add("CookieSessionOptions.Secret is iron-session's password id 1, and IronSessionPasswords has an id 1 too: set one or the other.");
        }

        var all = PasswordsOf(options);
        if (all.Count == 0)
        {
            failures.Add("CookieSessionOptions.Secret (or IronSessionPasswords) is required by Format IronSession: iron-session's password, 32 characters or more.");
        }

        foreach (var (id, password) in all)
        {
            if (id < 0)
            {
                failures.Add($"CookieSessionOptions.IronSessionPasswords: id {id} must not be negative.");
            }

            if (password is null || password.Length < CookieSessionDefaults.MinimumIronSessionPasswordLength)
            {
                failures.Add($"CookieSessionOptions: iron-session password id {id} must be at least {CookieSessionDefaults.MinimumIronSessionPasswordLength} characters long, as iron-session requires.");
            }
        }

        if (options.IronSessionTtl < TimeSpan.Zero || options.IronSessionTtl > TimeSpan.FromDays(3650) || options.IronSessionTtl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add("CookieSessionOptions.IronSessionTtl must be zero (no expiry) or whole seconds, as iron-session's ttl, at most 3650 days.");
        }
    }
}
