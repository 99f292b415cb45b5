using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Formats.Iron;
using CookieSession.Formats.Protected;
using CookieSession.Signing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CookieSession.Formats;

/// <summary>Chooses the wire format the options ask for: the one place that knows every format.</summary>
internal static class WireFormatFactory
{
    public static IWireFormat Create(
        CookieSessionOptions options,
        IReadOnlyList<string> secrets,
        TimeProvider time,
        ILogger logger,
        IServiceProvider services)
    {
        var name = options.Cookie.Name!;
        var cache = VerifiedCookieCache.Create(options.VerifiedCookieCacheSize);
        return options.Format switch
        {
            CookieSessionFormat.Connect => new ConnectSessionFormat(name, HmacSigner.ForCookieSignature(secrets), cache, logger),
            CookieSessionFormat.ExpressCookieSession => new ExpressSessionFormat(name, HmacSigner.ForKeygrip(secrets, options.KeygripAlgorithm), cache, logger),
            CookieSessionFormat.Protected => CreateProtected(name, options, cache, time, logger, services),
            CookieSessionFormat.IronSession => new IronSessionFormat(name, new IronPasswords(IronPasswordsOf(options)), options.IronSessionTtl, cache, time, logger),
            _ => throw new InvalidOperationException($"Unknown {nameof(CookieSessionOptions)}.{nameof(CookieSessionOptions.Format)}: {options.Format}."),
        };
    }

    private static ProtectedSessionFormat CreateProtected(
        string name, CookieSessionOptions options, VerifiedCookieCache? cache, TimeProvider time, ILogger logger, IServiceProvider services)
    {
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectedSessionFormat.Purpose, name);

        // The key ring can be watched when Data Protection is the container's own (the monitor's first read checks that
        // the provider protects with the ring it reads); else the provider is used as a plain IDataProtector.
        IDataKeyProtector keys = new PlainDataKeyProtector(protector);
        if (services.GetService<KeyRingMonitor>() is { CanWatch: true } monitor && protector is IPersistedDataProtector persisted)
        {
            // The application starts whether or not the store answers: the monitor logs what is not available.
            monitor.StartAndWait(CookieSessionDefaults.KeyStoreWait);
            keys = new KeyRingDataKeyProtector(persisted, monitor, name);
        }

        return new ProtectedSessionFormat(name, keys, options, cache, time, logger);
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
