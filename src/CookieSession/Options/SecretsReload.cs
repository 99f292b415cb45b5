using CookieSession.Formats.Iron;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Options;

/// <summary>
/// Keeps <see cref="CookieSessionOptions.Secret"/>, <see cref="CookieSessionOptions.Secrets"/> and
/// <see cref="CookieSessionOptions.IronSessionPasswords"/> in step with the options' reloads. When a change token of the
/// options fires (the ones <see cref="IOptionsMonitor{TOptions}"/> follows: a configuration file rewritten, a vault
/// reloaded), the options are built again as the monitor builds them, validated, and their secrets put in force; a
/// reload that fails validation keeps the secrets in force and logs why. The rest of the options is read once.
/// </summary>
/// <remarks>
/// The options are built through <see cref="IOptionsFactory{TOptions}"/> rather than read from the monitor: the
/// monitor tells its listeners nothing of a reload that fails validation, which must be logged here.
/// </remarks>
internal sealed class SecretsReload
{
    private readonly string _name;
    private readonly CookieSessionFormat _format;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _secrets;
    private IReadOnlyDictionary<int, string> _ironPasswords;
    private Action<CookieSessionOptions>? _apply;

    public SecretsReload(string name, CookieSessionOptions options, IServiceProvider services, ILogger logger)
    {
        _name = name;
        _format = options.Format;
        _services = services;
        _logger = logger;
        _secrets = CookieSessionSecrets.Of(options.Secret, options.Secrets);
        _ironPasswords = IronFormat.PasswordsOf(options);
    }

    /// <summary>The secrets in force as the options were read at start-up: the first signs.</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>iron-session's numbered passwords as the options were read at start-up.</summary>
    public IReadOnlyDictionary<int, string> IronPasswords => _ironPasswords;

    /// <summary>Gives <paramref name="keys"/> (a signer, or a format's key ring) the secrets of every valid reload from now on.</summary>
    public T Follow<T>(T keys)
        where T : ISecretsFollower
    {
        Subscribe(options =>
        {
            var secrets = CookieSessionSecrets.Of(options.Secret, options.Secrets);
            if (secrets.SequenceEqual(_secrets, StringComparer.Ordinal))
            {
                return;
            }

            SecretsValidation.WarnIfShort(secrets, _logger);
            keys.Replace(secrets);
            _secrets = secrets;
            Log.SecretsReloaded(_logger, secrets.Count);
        });
        return keys;
    }

    /// <summary>Gives <paramref name="passwords"/> the iron-session passwords of every valid reload from now on.</summary>
    public IronPasswordRing Follow(IronPasswordRing passwords)
    {
        Subscribe(options =>
        {
            var reloaded = IronFormat.PasswordsOf(options);
            if (reloaded.Count == _ironPasswords.Count
                && reloaded.All(p => _ironPasswords.TryGetValue(p.Key, out var kept) && string.Equals(kept, p.Value, StringComparison.Ordinal)))
            {
                return;
            }

            passwords.Replace(reloaded);
            _ironPasswords = reloaded;
            Log.IronPasswordsReloaded(_logger, string.Join(", ", reloaded.Keys.Order()), reloaded.Keys.Max());
        });
        return passwords;
    }

    private void Subscribe(Action<CookieSessionOptions> apply)
    {
        _apply = apply;
        foreach (var source in _services.GetServices<IOptionsChangeTokenSource<CookieSessionOptions>>())
        {
            // As the monitor matches them: a source without a name changes the default options.
            if (string.Equals(source.Name ?? Microsoft.Extensions.Options.Options.DefaultName, _name, StringComparison.Ordinal))
            {
                // The registration lives as long as the source's tokens, which is the application's life.
                _ = ChangeToken.OnChange(source.GetChangeToken, Reload);
            }
        }
    }

    /// <summary>Builds the options again, and puts their secrets in force if they are valid.</summary>
    internal void Reload()
    {
        // Reloads may fire together: each one reads the configuration and applies it whole under the lock, so the
        // one that applies last is the one that read last, and an older configuration never replaces a newer one.
        lock (_gate)
        {
            CookieSessionOptions options;
            try
            {
                options = _services.GetRequiredService<IOptionsFactory<CookieSessionOptions>>().Create(_name);
            }
            catch (OptionsValidationException e)
            {
                // The failures name keys and rules, never values.
                Log.SecretsReloadRefused(_logger, string.Join(" ", e.Failures));
                return;
            }

            if (options.Format != _format)
            {
                Log.SecretsReloadRefused(_logger, $"CookieSessionOptions.Format changed from {_format} to {options.Format}, which needs a restart.");
                return;
            }

            _apply?.Invoke(options);
        }
    }
}
