using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>Test hosts with the Protected format over a key ring in a folder of their own.</summary>
internal static class ProtectedHost
{
    public static Task<SessionTestHost> StartAsync(
        RequestDelegate handler,
        Action<CookieSessionOptions>? configure = null,
        string? keys = null,
        string application = "tests",
        Action<IServiceCollection>? services = null,
        bool plain = false)
    {
        keys ??= NewKeyFolder();
        return SessionTestHost.StartAsync(
            handler,
            o =>
            {
                o.Format = CookieSessionFormat.Protected;
                configure?.Invoke(o);
            },
            services: s =>
            {
                s.AddDataProtection().SetApplicationName(application).PersistKeysToFileSystem(new DirectoryInfo(keys));
                if (plain)
                {
                    // The same keys, through protectors that are only IDataProtector, as a provider of another kind has.
                    s.AddSingleton<IDataProtectionProvider>(new PlainDataProtectionProvider(
                        DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName(application))));
                }

                services?.Invoke(s);
            },
            withDefaultSecret: false);
    }

    public static string NewKeyFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cookiesession-keys-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Counts visits: reads "n", stores n + 1, answers n + 1.</summary>
    public static readonly RequestDelegate Counter = async context =>
    {
        var session = context.GetCookieSession();
        var n = session.Get<int>("n") + 1;
        session.Set("n", n);
        await context.Response.WriteAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    };

    /// <summary>Reads "n" without changing anything.</summary>
    public static readonly RequestDelegate Reader = async context =>
        await context.Response.WriteAsync(context.GetCookieSession().Get<int>("n").ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Stores "blob" of the length asked in the query (0 removes it), and answers its length.</summary>
    public static readonly RequestDelegate Blob = async context =>
    {
        var session = context.GetCookieSession();
        if (context.Request.Query["length"] is [{ } length])
        {
            var n = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            if (n == 0)
            {
                session.Remove("blob");
            }
            else
            {
                // Random text, so that no compression anywhere could hide its size.
                session.Set("blob", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(n / 2)));
            }
        }

        if (context.Request.Path == "/clear")
        {
            context.ClearCookieSession();
        }

        await context.Response.WriteAsync((session.Get<string>("blob")?.Length ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
    };

    /// <summary>A provider whose protectors are plain <see cref="IDataProtector"/>s: no revocation flag, no key ring to see.</summary>
    private sealed class PlainDataProtectionProvider(IDataProtectionProvider inner) : IDataProtectionProvider
    {
        public IDataProtector CreateProtector(string purpose) => new PlainProtector(inner.CreateProtector(purpose));

        private sealed class PlainProtector(IDataProtector inner) : IDataProtector
        {
            public IDataProtector CreateProtector(string purpose) => new PlainProtector(inner.CreateProtector(purpose));

            public byte[] Protect(byte[] plaintext) => inner.Protect(plaintext);

            public byte[] Unprotect(byte[] protectedData) => inner.Unprotect(protectedData);
        }
    }
}
