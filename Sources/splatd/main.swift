print("splatd")
