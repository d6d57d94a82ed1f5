"""Collect training features plus query vectors and candidate sentence vectors."""
import pickle, sys, time
import numpy as np
sys.path.insert(0, '.')
from evals.devdocs import dev_assistant
from evals.train import shipped_training, training_questions, label
from assistant.answering import features as F
folds, indexed = shipped_training()
a = dev_assistant(answer_model=False, folds=indexed)
s = a._extractive.sentences
cap = {}
orig = F.Featurizer.table
def table(self, q, candidates, query_vector, years, boosted=()):
    cap['q'] = np.asarray(query_vector, dtype=np.float32).copy()
    return orig(self, q, candidates, query_vector, years, boosted)
F.Featurizer.table = table
out = []
qs = training_questions(folds)
t = time.time()
for n, (q, fold) in enumerate(qs):
    if n % 200 == 0: print(n, len(qs), round(time.time() - t), flush=True)
    tb = a.examine(q.question, q.history_list or None)
    sents = a.sentences_of(tb)
    texts = [x for x, _ in sents]; docs = [d for _, d in sents]
    y = label(texts, docs, q)
    rows = [c.row for c in tb.candidates]
    sv = s.index.sentence_vectors[rows].astype(np.float32) if rows else np.zeros((0, 384), np.float32)
    out.append(dict(qid=q.id, fold=fold, answerable=q.answerable, x=tb.x, y=y, docs=tuple(docs), rows=rows, qv=cap['q'], sv=sv, question=q.question))
pickle.dump(out, open('evals/experiments_s39/feat.pkl', 'wb'))
print('done', len(out))
