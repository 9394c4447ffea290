namespace Dockerman.StandIns.Ubus;

/// <summary>Bytes that are not a well-formed blob attribute, blobmsg field or ubus message.</summary>
internal sealed class BlobFormatException(string message) : Exception(message);
