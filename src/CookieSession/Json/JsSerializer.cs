using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CookieSession.Json;

/// <summary>
/// Typed session values through <see cref="JsonSerializer"/> with the application's options, plus
/// <see cref="JsStringConverter"/> so that strings holding lone surrogates read and write as in JavaScript.
/// </summary>
/// <remarks>
/// The converter goes last among the application's converters, so one the application has for
/// <see cref="string"/> still wins. Dictionary keys are beyond it (see <see cref="JsStringConverter"/>).
/// </remarks>
internal static class JsSerializer
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> s_withJsStrings = [];

    /// <summary>A copy of <paramref name="options"/> with <see cref="JsStringConverter"/>, made once per options instance.</summary>
    public static JsonSerializerOptions WithJsStrings(JsonSerializerOptions options)
        => s_withJsStrings.GetValue(options, static given =>
        {
            var copy = new JsonSerializerOptions(given);
            copy.Converters.Add(JsStringConverter.Instance);
            return copy;
        });

    /// <summary>
    /// A value's JSON as <typeparamref name="T"/>: through <paramref name="typeInfo"/> when given (no reflection: what
    /// trimming and Native AOT need), else through the options by reflection.
    /// </summary>
    public static T? Deserialize<T>(ReadOnlySpan<byte> json, JsonSerializerOptions options, JsonTypeInfo<T>? typeInfo)
        => typeInfo is not null ? JsonSerializer.Deserialize(json, typeInfo) : DeserializeByReflection<T>(json, options);

    /// <summary>
    /// A node as <typeparamref name="T"/>: a copy when <typeparamref name="T"/> is a node type, otherwise the node's
    /// <c>JSON.stringify</c> text deserialized (<c>JsonNode.Deserialize</c>
    /// would write a lone surrogate as U+FFFD first).
    /// </summary>
    public static T? Deserialize<T>(JsonNode node, JsonSerializerOptions options, JsonTypeInfo<T>? typeInfo)
    {
        if (typeof(JsonNode).IsAssignableFrom(typeof(T)) && node.DeepClone() is T copy)
        {
            return copy;
        }

        var buffer = new PooledByteBuffer(256);
        try
        {
            JsJsonWriter.WriteNode(node, ref buffer, CookieSessionDefaults.MaxDepth);
            return Deserialize(buffer.WrittenSpan, options, typeInfo);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>A value as a node: through <paramref name="typeInfo"/> when given, else by reflection with lone surrogates kept.</summary>
    public static JsonNode? SerializeToNode<T>(T value, JsonSerializerOptions options, JsonTypeInfo<T>? typeInfo)
        => typeInfo is not null ? JsonSerializer.SerializeToNode(value, typeInfo) : SerializeToNodeByReflection(value, options);

    // Reached only without a JsonTypeInfo, that is from the members of ICookieSession that carry
    // RequiresUnreferencedCode and RequiresDynamicCode, as System.Text.Json's own reflection-based members do.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only from ICookieSession members marked RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only from ICookieSession members marked RequiresDynamicCode.")]
    private static T? DeserializeByReflection<T>(ReadOnlySpan<byte> json, JsonSerializerOptions options)
        => JsonSerializer.Deserialize<T>(json, WithJsStrings(options));

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only from ICookieSession members marked RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only from ICookieSession members marked RequiresDynamicCode.")]
    private static JsonNode? SerializeToNodeByReflection<T>(T value, JsonSerializerOptions options)
        => JsonSerializer.SerializeToNode(value, WithJsStrings(options));
}
