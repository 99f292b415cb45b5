using CookieSession.Formats.Transports;
using Microsoft.AspNetCore.DataProtection;
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
        var protector = context.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectedCodec.Purpose, context.CookieName);

        // The key ring can be watched when Data Protection is the container's own (the monitor's first read checks that
        // the provider protects with the ring it reads); else the provider is used as a plain IDataProtector.
        if (context.Services.GetService<KeyRingMonitor>() is { CanWatch: true } monitor && protector is IPersistedDataProtector persisted)
        {
            // The application starts whether or not the store answers: the monitor logs what is not available.
            monitor.StartAndWait(CookieSessionDefaults.KeyStoreWait);
            return new DataKeys(new KeyRingDataKeyProtector(persisted, monitor, context.CookieName));
        }

        return new DataKeys(new PlainDataKeyProtector(protector));
    }
}
