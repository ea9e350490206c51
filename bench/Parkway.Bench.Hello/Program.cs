// Prints one line and exits: the start-up cost of a Native AOT process with nothing to do.
Console.Out.Write("hello\n");
