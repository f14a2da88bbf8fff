import sys, pathlib, time
sys.path.insert(0, "bench")
import certificates as bc
from bimtek.certificates.rendering import BatchRenderer
shared = bc.shared_context()
r = BatchRenderer(bc.DESIGN, shared)
import random, datetime as dt
people = bc.number_people(list(bc.participants(5, random.Random(1))), dt.date(2020,7,23), "https://x")
pdf = r.render(people[0])
open("/tmp/i17fast.pdf","wb").write(pdf)
print(len(pdf)); print(pdf[-300:])
