Console.WriteLine("rototo");
