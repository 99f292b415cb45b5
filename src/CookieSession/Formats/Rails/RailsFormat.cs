using CookieSession.Cookies;
using CookieSession.Formats.Transports;

namespace CookieSession.Formats.Rails;

/// <summary>
/// The facts of <see cref="CookieSessionFormat.Rails"/>: Rails' encrypted <c>CookieStore</c> value in one cookie,
/// percent-escaped as Rack escapes it, under keys derived from <c>secret_key_base</c>, with Rails' <c>expire_after</c>
/// as <see cref="Microsoft.AspNetCore.Http.CookieBuilder.MaxAge"/>.
/// </summary>
internal static class RailsFormat
{
    public static FormatDescriptor Descriptor { get; } = new()
    {
        Format = CookieSessionFormat.Rails,
        DefaultCookieName = null,
        MetricName = "rails",
        NeedsSecret = true,
        RenewalReason = "an older secret_key_base or key derivation digest encrypted it",
        Validate = Validate,
        ValidateUnused = ValidateUnused,
        CreateTransport = context => new SingleCookie(context.CookieName, CookieValueEncoding.Percent, context.Logger),
        CreateCodec = context => new RailsCodec(
            context.Secrets.Follow(RailsKeyDerivation.Ring(context.Secrets.Secrets, context.Options.Rails.KeyDerivationDigest, context.Options.Rails.ReadableKeyDerivationDigests ?? [])),
            context.CookieName,
            context.Options.Cookie.MaxAge,
            context.Options.Rails.UseMessageSerializerForMetadata,
            context.Time),
    };

    private static void Validate(CookieSessionOptions options, List<string> failures)
    {
        if (options.Cookie.Name == CookieSessionDefaults.CookieName)
        {
            failures.Add("CookieSessionOptions.Cookie.Name is required by Format Rails: Rails has no default cookie name. Set the key of the Rails app's session_store (\"_<app>_session\", as in config/initializers/session_store.rb, or \"_\" + the app's module name in snake_case when it sets none).");
        }

        var rails = options.Rails;
        if (!RailsKeyDerivation.IsSupported(rails.KeyDerivationDigest))
        {
            failures.Add($"CookieSessionOptions.Rails.KeyDerivationDigest '{rails.KeyDerivationDigest.Name}' is not one of SHA1 (Rails 5.2 to 6.1), SHA256 (Rails 7 and later), SHA384, SHA512.");
        }

        foreach (var digest in rails.ReadableKeyDerivationDigests ?? [])
        {
            if (!RailsKeyDerivation.IsSupported(digest))
            {
                failures.Add($"CookieSessionOptions.Rails.ReadableKeyDerivationDigests: '{digest.Name}' is not one of SHA1, SHA256, SHA384, SHA512.");
            }
        }
    }

    private static void ValidateUnused(CookieSessionOptions options, List<string> failures)
    {
        var rails = options.Rails;
        if (rails.KeyDerivationDigest != System.Security.Cryptography.HashAlgorithmName.SHA256
            || rails.ReadableKeyDerivationDigests is { Count: > 0 }
            || rails.UseMessageSerializerForMetadata)
        {
            failures.Add($"CookieSessionOptions.Rails is for Format Rails, not {options.Format}.");
        }
    }
}
