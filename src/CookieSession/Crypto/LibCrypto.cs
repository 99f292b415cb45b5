using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace CookieSession.Crypto;

/// <summary>
/// The OpenSSL library that .NET's own cryptography uses on Linux, for the few functions called on it directly
/// (<see cref="OpenSslSha"/>, <see cref="OpenSslGcm"/>, <see cref="OpenSslCbc"/>): .NET's wrappers clear OpenSSL's error
/// queue on every native call and set up per call what these keep, which on a session's few hundred bytes costs more
/// than the work itself.
/// </summary>
/// <remarks>
/// Used only on Linux, for the very library .NET loaded (chosen by the version .NET reports), never in FIPS mode (whose
/// cryptography must all go through OpenSSL's providers) and never with the switch <see cref="DisableSwitch"/> set.
/// Each user checks its functions against .NET's own results before using them, and falls back to .NET otherwise.
/// </remarks>
internal static unsafe class LibCrypto
{
    /// <summary>The <see cref="AppContext"/> switch that keeps all cryptography on .NET's own implementation.</summary>
    public const string DisableSwitch = "CookieSession.Crypto.DisableDirectOpenSsl";

    private static readonly nint s_library = Load(AppContext.TryGetSwitch(DisableSwitch, out var disabled) && disabled);

    /// <summary>
    /// Whether <paramref name="agreesWithDotNet"/>, a check that direct calls give .NET's results, says yes; no when it
    /// throws: calling OpenSSL directly is only a shortcut, and whatever stops it leaves .NET's implementation in use.
    /// </summary>
    public static bool Passes(Func<bool> agreesWithDotNet)
    {
        try
        {
            return agreesWithDotNet();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The address of the exported function <paramref name="name"/>, or none (0).</summary>
    public static nint Export(string name)
        => s_library != 0 && NativeLibrary.TryGetExport(s_library, name, out var address) ? address : 0;

    /// <summary>The library to call, or none (0): never when <paramref name="disabled"/> (the switch is set).</summary>
    internal static nint Load(bool disabled)
    {
        if (!OperatingSystem.IsLinux() || disabled)
        {
            return 0;
        }

        try
        {
            var library = LoadTheOneDotNetUses();
            if (library != 0 && IsInFipsMode(library))
            {
                return 0;
            }

            return library;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Only a shortcut: whatever stops it leaves .NET's own cryptography in use.
            return 0;
        }
    }

    /// <summary>
    /// The <c>libcrypto</c> of the version .NET reports using (asking loads it), if it is mapped into the process under
    /// its usual name; none for versions other than 3 and 1.1.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static nint LoadTheOneDotNetUses()
    {
        var version = SafeEvpPKeyHandle.OpenSslVersion;
        var name = (version >> 28) switch
        {
            3 => "libcrypto.so.3",
            1 when (version >> 20) == 0x101 => "libcrypto.so.1.1",
            _ => null,
        };

        // Only a library already mapped into the process is .NET's: one loaded here would be a second copy (.NET linked
        // OpenSSL in statically, or loaded it under another name), whose FIPS mode says nothing of .NET's.
        return name is not null && IsMapped(name) && NativeLibrary.TryLoad(name, out var library) ? library : 0;
    }

    /// <summary>Whether a file named <paramref name="name"/>, or a versioned file behind it (<c>libcrypto.so.3.0.7</c>), is mapped.</summary>
    private static bool IsMapped(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var file = line.AsSpan(line.LastIndexOf('/') + 1);
            if (file.StartsWith(name, StringComparison.Ordinal) && (file.Length == name.Length || file[name.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInFipsMode(nint library)
    {
        if (NativeLibrary.TryGetExport(library, "EVP_default_properties_is_fips_enabled", out var isFipsEnabled))
        {
            return ((delegate* unmanaged<nint, int>)isFipsEnabled)(0) != 0;
        }

        return NativeLibrary.TryGetExport(library, "FIPS_mode", out var fipsMode) && ((delegate* unmanaged<int>)fipsMode)() != 0;
    }
}
