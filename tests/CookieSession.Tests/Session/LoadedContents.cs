using System.Buffers;
using System.Text;
using CookieSession.Formats;
using CookieSession.Session;

namespace CookieSession.Tests.Session;

/// <summary>Session contents loaded from JSON as a verified cookie's would be, for the tests of what they read and write.</summary>
internal static class LoadedContents
{
    public static SessionContents From(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, bytes.Length));
        bytes.CopyTo(rented, 0);
        var data = new SessionContents();
        var result = SessionCookieReadResult.Verified(rented, 0, bytes.Length, needsRenewal: false);
        Assert.True(result.IsLoaded);
        data.Load(result);
        return data;
    }
}
