using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>
/// Fills in what the defaults depend on: the clock, the cookie name and the Protected format's idle timeout, which
/// follow the format, and, when the session has no secret of its own, the secrets of <c>AddSignedCookies</c>
/// (Connect's "cookie-parser secret" mode).
/// </summary>
internal sealed class CookieSessionPostConfigureOptions : IPostConfigureOptions<CookieSessionOptions>
{
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<SignedCookieOptions> _signedCookieOptions;

    public CookieSessionPostConfigureOptions(TimeProvider timeProvider, IOptions<SignedCookieOptions> signedCookieOptions)
    {
        _timeProvider = timeProvider;
        _signedCookieOptions = signedCookieOptions;
    }

    public void PostConfigure(string? name, CookieSessionOptions options)
    {
        options.TimeProvider ??= _timeProvider;
        if (options.SerializerOptions.TypeInfoResolver is null && JsonSerializer.IsReflectionEnabledByDefault)
        {
            // The typed session asks the options for a type's metadata, which needs a resolver: reflection's, where the
            // application allows it (the feature switch trims this branch away under Native AOT).
            options.SerializerOptions.TypeInfoResolver = ReflectionResolver();
        }

        var format = Formats.FormatDescriptors.Of(options.Format);
        if (format is null)
        {
            // The validator says the format is unknown.
            return;
        }

        if (options.Cookie.Name == CookieSessionDefaults.CookieName && format.DefaultCookieName is { } defaultName)
        {
            options.Cookie.Name = defaultName;
        }

        format.PostConfigure?.Invoke(options);
        if (format.NeedsSecret && options.Secret is null && (options.Secrets is null || options.Secrets.Count == 0))
        {
            var shared = _signedCookieOptions.Value;
            options.Secrets = CookieSessionSecrets.Of(shared.Secret, shared.Secrets).ToList();
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called only when JsonSerializer.IsReflectionEnabledByDefault, a feature switch that is off under trimming and Native AOT.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Called only when JsonSerializer.IsReflectionEnabledByDefault, a feature switch that is off under Native AOT.")]
    private static IJsonTypeInfoResolver ReflectionResolver() => new DefaultJsonTypeInfoResolver();
}
