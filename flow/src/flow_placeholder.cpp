// replaced as the flow library lands
