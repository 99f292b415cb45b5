using System.Text.Json.Serialization;

namespace CookieSession.Json;

/// <summary>The metadata of the primitives <see cref="ICookieSession"/> reads without the application's: source-generated, so trimming and Native AOT are safe.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class PrimitiveJson : JsonSerializerContext;
