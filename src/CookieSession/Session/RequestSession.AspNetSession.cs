using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CookieSession.Json;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Session;

/// <summary>
/// ASP.NET Core's <see cref="ISession"/> over the request's cookie session, so that <c>HttpContext.Session</c> and its
/// <c>GetString</c>/<c>SetString</c>/<c>GetInt32</c>/<c>SetInt32</c> extensions work unchanged.
/// </summary>
/// <remarks>
/// Mapping: bytes that are valid UTF-8 (everything <c>SetString</c> stores) become a JSON string, so Node
/// reads them as a string; other bytes become <c>{"$binary": "&lt;base64&gt;"}</c>. Reading gives back exactly the
/// bytes stored; a value Node stored reads as the UTF-8 of the string, or of its JSON text when it is not
/// a string. A string holding a lone surrogate (a cut emoji, which JavaScript strings allow) has no UTF-8: it
/// reads with U+FFFD in its place, as Node's <c>Buffer.from(string)</c> gives it; the session keeps the string
/// itself unchanged. The session has no server-side identity: <c>Id</c> is empty.
/// </remarks>
internal sealed partial class RequestSession : ISession
{
    /// <summary>The property that marks bytes that are not UTF-8. Stored in cookies: never change it.</summary>
    private const string BinaryProperty = "$binary";

    /// <summary>Reads the cookie, as ASP.NET's session loads on this call: false outside the cookie's path, or while the key ring cannot be read.</summary>
    bool ISession.IsAvailable => IsAvailable;

    string ISession.Id => string.Empty;

    /// <summary>The cookie is written as the response starts, whatever this is called.</summary>
    Task ISession.CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Reads the cookie now (it is read on first use otherwise); as ASP.NET's session does, a cancelled token throws
    /// while the session is not yet loaded.
    /// </summary>
    Task ISession.LoadAsync(CancellationToken cancellationToken)
    {
        if (_contents is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        LoadForApplication();
        return Task.CompletedTask;
    }

    void ISession.Remove(string key) => Remove(key);

    void ISession.Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        this[key] = Utf8.IsValid(value)
            ? JsonValue.Create(Encoding.UTF8.GetString(value))
            : new JsonObject { [BinaryProperty] = Convert.ToBase64String(value) };
    }

    bool ISession.TryGetValue(string key, [NotNullWhen(true)] out byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Use().TryGetNode(key, out var node))
        {
            value = null;
            return false;
        }

        if (node is null)
        {
            // ISession has no null: JSON null reads as its text.
            value = "null"u8.ToArray();
            return true;
        }

        if (node is JsonValue text && text.TryGetValue(out string? s))
        {
            value = Encoding.UTF8.GetBytes(s);
            return true;
        }

        if (node is JsonObject binary && binary.Count == 1
            && binary[BinaryProperty] is JsonValue encoded && encoded.TryGetValue(out string? base64)
            && TryFromBase64(base64, out value))
        {
            return true;
        }

        var buffer = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteNode(node, ref buffer, CookieSessionDefaults.MaxDepth);
            value = buffer.WrittenSpan.ToArray();
            return true;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static bool TryFromBase64(string base64, [NotNullWhen(true)] out byte[]? value)
    {
        var bytes = new byte[base64.Length * 3 / 4];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            value = bytes[..written];
            return true;
        }

        value = null;
        return false;
    }
}
