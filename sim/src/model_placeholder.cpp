// replaced as the model library lands
