// The program and its tests run on Linux only (Unix sockets, CGI, chroot).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
