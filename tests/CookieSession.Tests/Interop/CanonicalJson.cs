using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Json;

namespace CookieSession.Tests.Interop;

/// <summary>JSON text as JSON.stringify would write it, so that two sides' answers compare as text.</summary>
internal static class CanonicalJson
{
    public static string Of(string json)
    {
        var buffer = new PooledByteBuffer(json.Length + 16);
        try
        {
            JsJsonWriter.WriteNode(JsonNode.Parse(json), ref buffer, CookieSessionDefaults.MaxDepth);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
