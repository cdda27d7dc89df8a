"""Pure routing: which kelurahan a point lies in, and which unit is responsible (tupoksi) for it."""
