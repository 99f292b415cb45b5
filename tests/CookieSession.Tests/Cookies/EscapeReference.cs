using System.Globalization;
using System.Text;

namespace CookieSession.Tests.Cookies;

/// <summary>Percent-encoding written out the plain way, byte by byte, to check the library's against.</summary>
internal static class EscapeReference
{
    /// <summary>Each byte as <see cref="Uri.EscapeDataString(string)"/> writes it: A-Z a-z 0-9 - . _ ~ as they are, the rest as %XX.</summary>
    public static string Of(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
