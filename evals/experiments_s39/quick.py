import os, sys, numpy as np
exec(open('evals/experiments_s39/adapt.py').read().split('FOLDS = [1, 2, 3, 4]')[0])
out = []; dn_ = []
for k in [1, 2, 3, 4]:
    M = fit_adapter([d for d in data if d['fold'] != k])
    for d in data:
        if d['fold'] == k and d['answerable'] and len(d['y']):
            out.append(bool(d['y'][int(np.argmax(adapted(d, M)))])); dn_.append(bool(d['y'][int(np.argmax(d['sv'] @ d['qv']))]))
print(os.environ.get('TAG'), 'adapter', round(np.mean(out), 3), 'dense', round(np.mean(dn_), 3), flush=True)
M = fit_adapter([d for d in data if d['fold'] != 1])
ins = [bool(d['y'][int(np.argmax(adapted(d, M)))]) for d in data if d['fold'] not in (1,) and d['answerable'] and len(d['y']) and d['fold'] is not None]
dn = [bool(d['y'][int(np.argmax(d['sv'] @ d['qv']))]) for d in data if d['fold'] not in (1,) and d['answerable'] and len(d['y']) and d['fold'] is not None]
print('in-sample adapter', round(np.mean(ins), 3), 'dense', round(np.mean(dn), 3))
