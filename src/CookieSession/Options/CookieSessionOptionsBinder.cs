using System.Globalization;
using System.Security.Cryptography;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CookieSession.Options;

/// <summary>
/// Binds <see cref="CookieSessionOptions"/> from a configuration section, key by key, without the reflection-based
/// <c>ConfigurationBinder</c> (which is not trimming-safe). Every value that does not parse is reported at start-up
/// with its full configuration key and the values it accepts. Keys it does not know are ignored, as the .NET binder
/// ignores them, so that one configuration can serve versions of the application that know different options.
/// </summary>
internal sealed class CookieSessionOptionsBinder : IConfigureOptions<CookieSessionOptions>
{
    /// <summary>The value of <see cref="CookieSessionOptions.IdleTimeout"/> that means no idle limit.</summary>
    private const string Infinite = "Infinite";

    private const string TimeSpanForm = "[d.]hh:mm[:ss], for example 14.00:00:00 for 14 days or 00:30:00 for 30 minutes";

    private static readonly HashAlgorithmName[] KeygripAlgorithms =
        [HashAlgorithmName.SHA1, HashAlgorithmName.SHA256, HashAlgorithmName.SHA384, HashAlgorithmName.SHA512];

    private readonly IConfiguration _configuration;

    public CookieSessionOptionsBinder(IConfiguration configuration)
    {
        _configuration = configuration;
    }

    /// <summary>Binds, and throws <see cref="OptionsValidationException"/> naming every key whose value does not parse.</summary>
    public void Configure(CookieSessionOptions options)
    {
        var failures = new List<string>();
        Bind(_configuration, options, failures);
        if (failures.Count > 0)
        {
            // Thrown while the options are first built, which ValidateOnStart does at start-up.
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(CookieSessionOptions), failures);
        }
    }

    /// <summary>Sets every option that has a key in <paramref name="configuration"/>; adds a sentence per bad value to <paramref name="failures"/>.</summary>
    internal static void Bind(IConfiguration configuration, CookieSessionOptions options, List<string> failures)
    {
        var reader = new Reader(configuration, failures);
        reader.String(nameof(CookieSessionOptions.Secret), value => options.Secret = value);
        reader.List(nameof(CookieSessionOptions.Secrets), values => options.Secrets = values);
        reader.NumberedPasswords(nameof(CookieSessionOptions.IronSessionPasswords), passwords => options.IronSessionPasswords = passwords);
        reader.Enum<CookieSessionFormat>(nameof(CookieSessionOptions.Format), value => options.Format = value);
        reader.KeygripAlgorithm(nameof(CookieSessionOptions.KeygripAlgorithm), value => options.KeygripAlgorithm = value);
        reader.TimeSpan(nameof(CookieSessionOptions.IronSessionTtl), value => options.IronSessionTtl = value);
        reader.NullableTimeSpan(nameof(CookieSessionOptions.IdleTimeout), value => options.IdleTimeout = value, infiniteIsNone: true);
        reader.NullableTimeSpan(nameof(CookieSessionOptions.AbsoluteTimeout), value => options.AbsoluteTimeout = value);
        reader.Int32(nameof(CookieSessionOptions.MaxChunkedSize), CookieSessionDefaults.MaxChunkedSize, value => options.MaxChunkedSize = value);
        reader.Int32(nameof(CookieSessionOptions.VerifiedCookieCacheSize), CookieSessionDefaults.VerifiedCookieCacheSize, value => options.VerifiedCookieCacheSize = value);
        reader.Boolean(nameof(CookieSessionOptions.Partitioned), value => options.Partitioned = value);
        reader.Boolean(nameof(CookieSessionOptions.TrustProxy), value => options.TrustProxy = value);
        reader.Boolean(nameof(CookieSessionOptions.Rolling), value => options.Rolling = value);
        reader.Boolean(nameof(CookieSessionOptions.SaveUninitialized), value => options.SaveUninitialized = value);

        var flask = new Reader(configuration.GetSection(nameof(CookieSessionOptions.Flask)), failures);
        flask.TimeSpan(nameof(FlaskSessionOptions.PermanentSessionLifetime), value => options.Flask.PermanentSessionLifetime = value);

        var cookie = new Reader(configuration.GetSection(nameof(CookieSessionOptions.Cookie)), failures);
        cookie.String(nameof(CookieBuilder.Name), value =>
        {
            if (string.IsNullOrEmpty(value))
            {
                // CookieBuilder refuses an empty name with an exception that names no key.
                failures.Add($"{cookie.PathOf(nameof(CookieBuilder.Name))} must not be empty: set a cookie name, or remove the key for the format's default.");
            }
            else
            {
                options.Cookie.Name = value;
            }
        });
        cookie.String(nameof(CookieBuilder.Path), value => options.Cookie.Path = value);
        cookie.String(nameof(CookieBuilder.Domain), value => options.Cookie.Domain = value);
        cookie.Boolean(nameof(CookieBuilder.HttpOnly), value => options.Cookie.HttpOnly = value);
        cookie.Enum<CookieSecurePolicy>(nameof(CookieBuilder.SecurePolicy), value => options.Cookie.SecurePolicy = value);
        cookie.Enum<SameSiteMode>(nameof(CookieBuilder.SameSite), value => options.Cookie.SameSite = value);
        cookie.NullableTimeSpan(nameof(CookieBuilder.MaxAge), value => options.Cookie.MaxAge = value);
        cookie.Boolean(nameof(CookieBuilder.IsEssential), value => options.Cookie.IsEssential = value);
    }

    /// <summary>Reads the keys of one section, parsing as the .NET binder does (invariant culture) and reporting what does not parse.</summary>
    private sealed class Reader(IConfiguration section, List<string> failures)
    {
        public string PathOf(string key) => section.GetSection(key).Path;

        public void String(string key, Action<string> set)
        {
            if (section[key] is { } value)
            {
                set(value);
            }
        }

        /// <summary>A list is numbered keys (<c>Key:0</c>, <c>Key:1</c>...), in the order of their numbers; it replaces the default.</summary>
        public void List(string key, Action<IList<string>> set)
        {
            var list = section.GetSection(key);
            var entries = NumberedEntries(
                list,
                NumberStyles.None,
                $"{list.Path} is a list: set {list.Path}:0, {list.Path}:1... (the first signs), or {PathOf(nameof(CookieSessionOptions.Secret))} for one secret.",
                $"the entries of {list.Path} are numbered from 0 ({list.Path}:0 signs).");
            if (entries.Count > 0)
            {
                set(entries.OrderBy(e => e.Key).Select(e => e.Value).ToList());
            }
        }

        /// <summary>iron-session's <c>{ 2: "new", 1: "old" }</c>: the key of each entry is the password's id; it replaces the default.</summary>
        public void NumberedPasswords(string key, Action<IDictionary<int, string>> set)
        {
            var passwords = section.GetSection(key);
            var entries = NumberedEntries(
                passwords,
                NumberStyles.AllowLeadingSign,
                $"{passwords.Path} is numbered passwords: set {passwords.Path}:1, {passwords.Path}:2... (the highest id seals), or {PathOf(nameof(CookieSessionOptions.Secret))} for one password.",
                $"the key of each of {passwords.Path} is iron-session's password id, a whole number such as 1 or 2.");
            if (entries.Count > 0)
            {
                set(entries);
            }
        }

        /// <summary>The string entries of a section keyed by whole numbers; a value on the section itself, a key that is no number or an entry that is a section is a failure.</summary>
        private Dictionary<int, string> NumberedEntries(IConfigurationSection numbered, NumberStyles keyStyle, string whenSingleValue, string whenKeyIsNoNumber)
        {
            var entries = new Dictionary<int, string>();
            if (!string.IsNullOrEmpty(numbered.Value))
            {
                failures.Add(whenSingleValue);
                return entries;
            }

            foreach (var entry in numbered.GetChildren())
            {
                if (!int.TryParse(entry.Key, keyStyle, CultureInfo.InvariantCulture, out var number))
                {
                    failures.Add($"{entry.Path}: {whenKeyIsNoNumber}");
                }
                else if (entry.Value is null)
                {
                    failures.Add($"{entry.Path} must be a single string, not a section.");
                }
                else
                {
                    entries[number] = entry.Value;
                }
            }

            return entries;
        }

        /// <summary>An enum by name, in any case; numbers are refused, so that an undefined value never gets through.</summary>
        public void Enum<TEnum>(string key, Action<TEnum> set)
            where TEnum : struct, Enum
        {
            if (section[key] is not { } value)
            {
                return;
            }

            var names = System.Enum.GetNames<TEnum>();
            var name = Array.Find(names, n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                failures.Add($"{PathOf(key)} '{value}' is not one of {string.Join(", ", names)}.");
                return;
            }

            set(System.Enum.Parse<TEnum>(name));
        }

        public void KeygripAlgorithm(string key, Action<HashAlgorithmName> set)
        {
            if (section[key] is not { } value)
            {
                return;
            }

            foreach (var algorithm in KeygripAlgorithms)
            {
                if (string.Equals(algorithm.Name, value.Trim(), StringComparison.OrdinalIgnoreCase) && HmacSigner.IsSupported(algorithm))
                {
                    set(algorithm);
                    return;
                }
            }

            failures.Add($"{PathOf(key)} '{value}' is not one of {string.Join(", ", KeygripAlgorithms.Select(a => a.Name))}.");
        }

        public void TimeSpan(string key, Action<TimeSpan> set)
        {
            if (section[key] is not { } value)
            {
                return;
            }

            if (System.TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed))
            {
                set(parsed);
            }
            else
            {
                failures.Add($"{PathOf(key)} '{value}' is not a time span: use {TimeSpanForm}.");
            }
        }

        /// <summary>An empty value is no value (<see langword="null"/>), as the .NET binder reads it for a nullable.</summary>
        public void NullableTimeSpan(string key, Action<TimeSpan?> set, bool infiniteIsNone = false)
        {
            if (section[key] is not { } value)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                set(null);
            }
            else if (infiniteIsNone && string.Equals(value.Trim(), Infinite, StringComparison.OrdinalIgnoreCase))
            {
                set(Timeout.InfiniteTimeSpan);
            }
            else if (System.TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed))
            {
                set(parsed);
            }
            else
            {
                failures.Add($"{PathOf(key)} '{value}' is not a time span: use {TimeSpanForm}"
                    + (infiniteIsNone ? $", or {Infinite} for no limit." : "."));
            }
        }

        public void Int32(string key, int example, Action<int> set)
        {
            if (section[key] is not { } value)
            {
                return;
            }

            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                set(parsed);
            }
            else
            {
                failures.Add($"{PathOf(key)} '{value}' is not a whole number: use digits only, for example {example.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        public void Boolean(string key, Action<bool> set)
        {
            if (section[key] is not { } value)
            {
                return;
            }

            if (bool.TryParse(value, out var parsed))
            {
                set(parsed);
            }
            else
            {
                failures.Add($"{PathOf(key)} '{value}' is not a boolean: use true or false.");
            }
        }
    }
}
