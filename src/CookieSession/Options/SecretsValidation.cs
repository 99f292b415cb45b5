using System.Text;
using Microsoft.Extensions.Logging;

namespace CookieSession.Options;

/// <summary>The rules every set of secrets follows, whichever options carry it.</summary>
internal static class SecretsValidation
{
    public static void Validate(string optionsName, string? secret, IList<string>? secrets, List<string> failures, string hint)
    {
        if (secret is not null && secret.Length == 0)
        {
            failures.Add($"{optionsName}.Secret must not be empty.");
        }

        if (secrets is not null)
        {
            for (var i = 0; i < secrets.Count; i++)
            {
                if (string.IsNullOrEmpty(secrets[i]))
                {
                    failures.Add($"{optionsName}.Secrets[{i}] must not be empty.");
                }
            }
        }

        if (secret is null && (secrets is null || secrets.Count == 0))
        {
            failures.Add($"{optionsName}.Secret is required: a secret signs the cookie. {hint}");
        }
    }

    /// <summary>Warns, without the secret, about each secret shorter than <see cref="CookieSessionDefaults.RecommendedSecretLength"/> bytes.</summary>
    public static void WarnIfShort(IReadOnlyList<string> secrets, ILogger logger)
    {
        for (var i = 0; i < secrets.Count; i++)
        {
            var length = Encoding.UTF8.GetByteCount(secrets[i]);
            if (length < CookieSessionDefaults.RecommendedSecretLength)
            {
                Log.ShortSecret(logger, i, length, CookieSessionDefaults.RecommendedSecretLength);
            }
        }
    }
}
