using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CookieSession.Demo.Inspection;

/// <summary>The session as the JSON object it is, for reading.</summary>
internal static class SessionJson
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Of(ICookieSession session)
    {
        var json = new JsonObject();
        foreach (var key in session.Keys)
        {
            json[key] = session[key]?.DeepClone();
        }

        return json;
    }

    public static string Indented(ICookieSession session) => Of(session).ToJsonString(s_indented);
}
