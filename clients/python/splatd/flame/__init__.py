"""FLAME tools of splatd, written from the formulas in splatd's reference notes.

Modules:
    rig        the splatd FLAME rig file ("splatd-flame-rig/1" npz): save, load, validate
    pkl        reading the official FLAME pickle without chumpy
    convert    official pickle -> rig arrays (optionally teeth-extended via the user's
               GaussianAvatars/VHAP checkout)
    model      numpy FLAME forward pass (float64)
    gaussians  GaussianAvatars per-triangle Gaussian transform and barycentric bindings
    synthetic  a random but well-formed FLAME-structured model, written as an
               official-style pickle
    avatar     GaussianAvatars avatar folder I/O (point_cloud.ply, flame_param.npz)
    make_fixtures  writes the Swift test fixtures
"""
