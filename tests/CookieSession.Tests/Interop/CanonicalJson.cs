using System.Text;
using CookieSession.Json;

namespace CookieSession.Tests.Interop;

/// <summary>JSON text as JSON.parse then JSON.stringify would make it, so that two sides' answers compare as text.</summary>
internal static class CanonicalJson
{
    public static string Of(string json)
    {
        var buffer = new PooledByteBuffer(json.Length + 16);
        try
        {
            JsJsonWriter.WriteNode(RawJsonObject.ToNode(Encoding.UTF8.GetBytes(json)), ref buffer, CookieSessionDefaults.MaxDepth);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
