namespace Parkway.HostTests;
