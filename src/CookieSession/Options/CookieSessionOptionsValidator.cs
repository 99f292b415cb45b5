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

        var path = options.Cookie.Path;
        if (path is not null && (path.Length == 0 || path[0] != '/' || path.AsSpan().IndexOfAny(";\r\n") >= 0))
        {
            failures.Add($"CookieSessionOptions.Cookie.Path '{path}' must start with '/' and contain no ';'.");
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
