using CookieSession.Signing;
using CookieSession.Cookies;
using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>Validates the options at start-up, so that a missing secret stops the application at boot.</summary>
internal sealed class CookieSessionOptionsValidator : IValidateOptions<CookieSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, CookieSessionOptions options)
    {
        var failures = new List<string>();
        SecretsValidation.Validate(nameof(CookieSessionOptions), options.Secret, options.Secrets, failures,
            "Set CookieSessionOptions.Secret or Secrets, or give AddSignedCookies a secret.");

        var cookieName = options.Cookie.Name;
        if (!CookieNames.IsValid(cookieName))
        {
            failures.Add($"CookieSessionOptions.Cookie.Name '{cookieName}' is not a valid cookie name: it must be a non-empty token of letters, digits and !#$%&'*+-.^_`|~.");
        }

        var cookie = options.Cookie;
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
}
