// replaced as the RTL library lands
