using CookieSession.Cookies;
using CookieSession.Formats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>Validates the options at start-up, so that a missing secret stops the application at boot.</summary>
internal sealed class CookieSessionOptionsValidator : IValidateOptions<CookieSessionOptions>
{
    /// <summary>The longest idle or absolute lifetime: ten years, which keeps every date computed from it representable.</summary>
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    public ValidateOptionsResult Validate(string? name, CookieSessionOptions options)
    {
        var failures = new List<string>();
        var format = FormatDescriptors.Of(options.Format);
        if (format?.NeedsSecret == true)
        {
            SecretsValidation.Validate(nameof(CookieSessionOptions), options.Secret, options.Secrets, failures,
                "Set CookieSessionOptions.Secret or Secrets, or give AddSignedCookies a secret.");
        }

        foreach (var descriptor in FormatDescriptors.All)
        {
            (descriptor == format ? descriptor.Validate : descriptor.ValidateUnused)?.Invoke(options, failures);
        }

        ValidateLifetime(options, format, options.IdleTimeout, nameof(options.IdleTimeout), failures, infiniteIsNone: true);
        ValidateLifetime(options, format, options.AbsoluteTimeout, nameof(options.AbsoluteTimeout), failures);
        if (options.VerifiedCookieCacheSize is < 0 or > 1 << 14)
        {
            failures.Add("CookieSessionOptions.VerifiedCookieCacheSize must be between 0 (off) and 16384 (at most 16 KB an entry: 256 MB).");
        }

        if (options.KeyRingReloadInterval < TimeSpan.FromSeconds(1) || options.KeyRingReloadInterval > TimeSpan.FromDays(1))
        {
            failures.Add("CookieSessionOptions.KeyRingReloadInterval must be between 1 second and 1 day (Data Protection's own cache of the key ring): it is how long a key revoked on another server is still accepted here.");
        }

        if (options.MaxChunkedSize < CookieSessionDefaults.MaxCookieSize || options.MaxChunkedSize > 16 * CookieSessionDefaults.MaxCookieSize)
        {
            failures.Add($"CookieSessionOptions.MaxChunkedSize must be at least {CookieSessionDefaults.MaxCookieSize}, the size of one cookie, and at most 65536, sixteen of them.");
        }

        if (options.Partitioned && options.Cookie.SecurePolicy != Microsoft.AspNetCore.Http.CookieSecurePolicy.Always)
        {
            failures.Add("CookieSessionOptions.Partitioned requires Cookie.SecurePolicy = Always: browsers accept a Partitioned cookie only when it is Secure.");
        }

        var cookieName = options.Cookie.Name;
        if (!CookieNames.IsValid(cookieName))
        {
            failures.Add($"CookieSessionOptions.Cookie.Name '{cookieName}' is not a valid cookie name: it must be a non-empty token of letters, digits and !#$%&'*+-.^_`|~.");
        }

        var cookie = options.Cookie;
        if (CookieNames.IsValid(cookieName))
        {
            ValidateNamePrefix(cookieName!, cookie, failures);
        }

        if (cookie.Path is { } path && !CookieAttributes.IsValidPath(path))
        {
            failures.Add($"CookieSessionOptions.Cookie.Path {CookieAttributes.PathRule}.");
        }

        if (!string.IsNullOrEmpty(cookie.Domain) && !CookieAttributes.IsValidDomain(cookie.Domain))
        {
            failures.Add($"CookieSessionOptions.Cookie.Domain {CookieAttributes.DomainRule}.");
        }

        if (!CookieAttributes.IsValidMaxAge(cookie.MaxAge))
        {
            failures.Add($"CookieSessionOptions.Cookie.MaxAge {CookieAttributes.MaxAgeRule}.");
        }

        foreach (var extension in cookie.Extensions)
        {
            if (!CookieAttributes.IsValidExtension(extension))
            {
                failures.Add($"CookieSessionOptions.Cookie.Extensions: each {CookieAttributes.ExtensionRule}.");
            }
        }

        if (format is null)
        {
            failures.Add($"CookieSessionOptions.Format {options.Format} is not a known format.");
        }

        if (options.SerializerOptions is null)
        {
            failures.Add("CookieSessionOptions.SerializerOptions must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A prefixed name whose cookie breaks the prefix's rules is dropped by browsers without a word: fail at start-up instead.</summary>
    private static void ValidateNamePrefix(string name, CookieBuilder cookie, List<string> failures)
    {
        if (CookieNames.PrefixOf(name) is not { } prefix)
        {
            return;
        }

        var start = $"CookieSessionOptions.Cookie.Name '{name}' starts with {prefix}: browsers accept it only";
        if (cookie.SecurePolicy != CookieSecurePolicy.Always)
        {
            failures.Add($"{start} Secure. Set Cookie.SecurePolicy = Always.");
        }

        if (prefix == CookieNames.HostPrefix && cookie.Path != "/")
        {
            failures.Add($"{start} with Path=/. Set Cookie.Path = \"/\".");
        }

        if (prefix == CookieNames.HostPrefix && !string.IsNullOrEmpty(cookie.Domain))
        {
            failures.Add($"{start} without a Domain. Leave Cookie.Domain unset.");
        }
    }

    private static void ValidateLifetime(CookieSessionOptions options, FormatDescriptor? format, TimeSpan? lifetime, string name, List<string> failures, bool infiniteIsNone = false)
    {
        if (lifetime is not { } value || (infiniteIsNone && value == Timeout.InfiniteTimeSpan))
        {
            return;
        }

        if (value <= TimeSpan.Zero || value > MaxLifetime)
        {
            failures.Add(infiniteIsNone
                ? $"CookieSessionOptions.{name} must be more than zero and at most 3650 days, or Timeout.InfiniteTimeSpan (\"Infinite\" in configuration) for none."
                : $"CookieSessionOptions.{name} must be more than zero and at most 3650 days.");
        }
        else if (format is { CarriesTimes: false })
        {
            failures.Add($"CookieSessionOptions.{name} cannot be enforced with Format {options.Format}: its cookie carries no time that the server could check (and Node writes the same cookie). Use Format Protected, or limit the cookie's life with Cookie.MaxAge (enforced by the browser only).");
        }
    }
}
