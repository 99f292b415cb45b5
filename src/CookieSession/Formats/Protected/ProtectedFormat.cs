using CookieSession.Formats.Transports;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Formats.Protected;

/// <summary>
/// The facts of <see cref="CookieSessionFormat.Protected"/>: sealed under the application's Data Protection, with the
/// session's times inside, in ASP.NET's chunked cookies (<see cref="ChunkedCookie"/>).
/// </summary>
internal static class ProtectedFormat
{
    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.Protected,
        DefaultCookieName = CookieSessionDefaults.ProtectedCookieName,
        MetricName = "protected",
        CarriesTimes = true,
        RenewalReason = "its key is no longer the default, or half its idle time passed",
        PostConfigure = DefaultLifetime,
        CreateTransport = context => new ChunkedCookie(context.CookieName, context.Options.MaxChunkedSize, context.Logger),
        CreateCodec = context => new ProtectedCodec(KeysOf(context), context.Options, context.Time),
    };

    /// <summary>A Protected cookie without a lifetime would be accepted forever: cookie authentication's default instead.</summary>
    private static void DefaultLifetime(CookieSessionOptions options)
    {
        if (options.IdleTimeout is null && options.AbsoluteTimeout is null)
        {
            options.IdleTimeout = CookieSessionDefaults.ProtectedIdleTimeout;
        }
    }

    private static DataKeys KeysOf(FormatContext context)
    {
        var provider = context.Services.GetRequiredService<IDataProtectionProvider>();

        // The key ring can be watched only when the provider is the one AddDataProtection builds on it (not, say, an
        // ephemeral provider, or one made by DataProtectionProvider.Create, each with a ring of its own).
        // A probe proves it: what the provider protects names the default key of the ring the container holds.
        var keyRings = context.Services.GetService<IKeyRingProvider>();
        if (keyRings is not null && !DataKeys.ProtectsWithRingOf(provider, keyRings))
        {
            keyRings = null;
        }

        return new DataKeys(provider.CreateProtector(ProtectedCodec.Purpose, context.CookieName), keyRings);
    }
}
