using CookieSession.Signing;
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
        if (WireFormatFactory.NeedsSecret(options.Format))
        {
            SecretsValidation.Validate(nameof(CookieSessionOptions), options.Secret, options.Secrets, failures,
                "Set CookieSessionOptions.Secret or Secrets, or give AddSignedCookies a secret.");
        }

        ValidateIronSession(options, failures);
        ValidateLifetime(options, options.IdleTimeout, nameof(options.IdleTimeout), failures, infiniteIsNone: true);
        ValidateLifetime(options, options.AbsoluteTimeout, nameof(options.AbsoluteTimeout), failures);
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

        if (!Enum.IsDefined(options.Format))
        {
            failures.Add($"CookieSessionOptions.Format {options.Format} is not a known format.");
        }

        if (!HmacSigner.IsSupported(options.KeygripAlgorithm))
        {
            failures.Add($"CookieSessionOptions.KeygripAlgorithm {options.KeygripAlgorithm} is not supported: use SHA1, SHA256, SHA384 or SHA512.");
        }

        if (options.SerializerOptions is null)
        {
            failures.Add("CookieSessionOptions.SerializerOptions must not be null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateIronSession(CookieSessionOptions options, List<string> failures)
    {
        var passwords = options.IronSessionPasswords ?? new Dictionary<int, string>();
        if (options.Format != CookieSessionFormat.IronSession)
        {
            if (passwords.Count > 0)
            {
                failures.Add($"CookieSessionOptions.IronSessionPasswords are for Format IronSession, not {options.Format}: use Secret or Secrets.");
            }

            if (options.IronSessionTtl != CookieSessionDefaults.IronSessionTtl)
            {
                failures.Add($"CookieSessionOptions.IronSessionTtl is for Format IronSession, not {options.Format}.");
            }

            return;
        }

        if (options.Secrets is { Count: > 0 })
        {
            failures.Add("CookieSessionOptions.Secrets is not used by Format IronSession: numbered passwords go in IronSessionPasswords (the highest id seals), or set one Secret (id 1).");
        }

        if (options.Secret is not null && passwords.ContainsKey(1))
        {
            failures.Add("CookieSessionOptions.Secret is iron-session's password id 1, and IronSessionPasswords has an id 1 too: set one or the other.");
        }

        var all = WireFormatFactory.IronPasswordsOf(options);
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

    private static void ValidateLifetime(CookieSessionOptions options, TimeSpan? lifetime, string name, List<string> failures, bool infiniteIsNone = false)
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
        else if (!WireFormatFactory.CarriesTimes(options.Format))
        {
            failures.Add($"CookieSessionOptions.{name} cannot be enforced with Format {options.Format}: its cookie carries no time that the server could check (and Node writes the same cookie). Use Format Protected, or limit the cookie's life with Cookie.MaxAge (enforced by the browser only).");
        }
    }
}
