"""PyInstaller hook: spekpy reads its physics tables from files beside its modules.

Only the tables the simulator's tube uses are kept: a tungsten anode in reflection
(spekpy's default "casim" physics). The electron-penetration tables of the other
anodes (Cu, Mo, Rh) and the Kissel-Quarles-Pratt shape table (transmission targets)
are about 130 MB the station never reads. A simulator configured with another anode
or physics model fails with a clear FileNotFoundError naming the missing table.
"""

from PyInstaller.utils.hooks import collect_data_files

_UNUSED_TABLES = [
    "data/tables/advanced/KQP.npz",
    "data/tables/advanced/Z29_*.npz",
    "data/tables/advanced/Z42_*.npz",
    "data/tables/advanced/Z45_*.npz",
]

datas = collect_data_files("spekpy", excludes=["**/__pycache__", *_UNUSED_TABLES])
