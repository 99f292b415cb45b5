using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Formats.Iron;
using CookieSession.Formats.Protected;
using CookieSession.Options;
using CookieSession.Signing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats;

/// <summary>Chooses the wire format the options ask for: the one place that knows every format.</summary>
internal static class WireFormatFactory
{
    public static IWireFormat Create(
        CookieSessionOptions options,
        SecretsReload secrets,
        TimeProvider time,
        ILogger logger,
        IServiceProvider services)
    {
        var name = options.Cookie.Name!;
        var cache = VerifiedCookieCache.Create(options.VerifiedCookieCacheSize);
        return options.Format switch
        {
            CookieSessionFormat.Connect => new ConnectSessionFormat(name, secrets.Follow(HmacSigner.ForCookieSignature(secrets.Secrets)), cache, logger),
            CookieSessionFormat.ExpressCookieSession => new ExpressSessionFormat(name, secrets.Follow(HmacSigner.ForKeygrip(secrets.Secrets, options.KeygripAlgorithm)), cache, logger),
            CookieSessionFormat.Protected => CreateProtected(name, options, cache, time, logger, services),
            CookieSessionFormat.IronSession => new IronSessionFormat(name, secrets.Follow(new IronPasswordRing(secrets.IronPasswords)), options.IronSessionTtl, cache, time, logger),
            _ => throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}."),
        };
    }

    private static ProtectedSessionFormat CreateProtected(
        string name, CookieSessionOptions options, VerifiedCookieCache? cache, TimeProvider time, ILogger logger, IServiceProvider services)
    {
        var provider = services.GetRequiredService<IDataProtectionProvider>();

        // The key ring can be watched only when the provider is the one AddDataProtection builds on it (not, say, an
        // ephemeral provider, or one made by DataProtectionProvider.Create, each with a ring of its own).
        // A probe proves it: what the provider protects names the default key of the ring the container holds.
        var keyRings = services.GetService<IKeyRingProvider>();
        if (keyRings is not null && !DataKeys.ProtectsWithRingOf(provider, keyRings))
        {
            keyRings = null;
        }

        return new ProtectedSessionFormat(name, provider, keyRings, options, cache, time, logger);
    }

    /// <summary>iron-session's numbered passwords: <see cref="CookieSessionOptions.Secret"/> is id 1.</summary>
    public static IReadOnlyDictionary<int, string> IronPasswordsOf(CookieSessionOptions options)
    {
        var passwords = new Dictionary<int, string>(options.IronSessionPasswords ?? new Dictionary<int, string>());
        if (options.Secret is not null)
        {
            passwords.TryAdd(1, options.Secret);
        }

        return passwords;
    }

    /// <summary>Whether the format signs with <see cref="CookieSessionOptions.Secret"/> (else it needs none).</summary>
    public static bool NeedsSecret(CookieSessionFormat format) => format is CookieSessionFormat.Connect or CookieSessionFormat.ExpressCookieSession;

    /// <summary>Whether the format carries the session's times, so that the server can enforce its lifetimes.</summary>
    public static bool CarriesTimes(CookieSessionFormat format) => format is CookieSessionFormat.Protected;
}
