using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>Validates the signed cookie secrets at start-up.</summary>
internal sealed class SignedCookieOptionsValidator : IValidateOptions<SignedCookieOptions>
{
    public ValidateOptionsResult Validate(string? name, SignedCookieOptions options)
    {
        var failures = new List<string>();
        SecretsValidation.Validate(nameof(SignedCookieOptions), options.Secret, options.Secrets, failures,
            "Set SignedCookieOptions.Secret or Secrets.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
