"""Cache the shipped training's examples and the seed questions' examples on the product index."""
import pickle, sys
from pathlib import Path
from assistant import Assistant, Settings
from evals import train as T
from evals.devdocs import dev_assistant
from evals.gold import load_gold
out = Path(sys.argv[1])
folds, indexed = T.shipped_training()
a = dev_assistant(answer_model=False, folds=indexed)
ex = T.collect(a, T.training_questions(folds), progress=False)
print("train", len(ex.items), flush=True)
p = Assistant.load(Settings(), answer_model=False)
sets = {}
for path in (*T.SEED_TRAINING, T.HERE / "sets" / "seed_heldout_p_s_i.jsonl"):
    sets[path.stem] = T.collect(p, [(q, None) for q in load_gold(path)], progress=False)
    print(path.stem, len(sets[path.stem].items), flush=True)
out.write_bytes(pickle.dumps({"train": ex, "seeds": sets}))
