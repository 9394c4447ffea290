// Unix sockets, file modes and signals of a Linux router: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
