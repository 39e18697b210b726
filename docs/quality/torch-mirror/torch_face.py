# The shipped face recipe written again in PyTorch, as a cross-check of ganforge's training
# (docs/quality.md, "The same recipe in PyTorch"). Not part of ganforge and not run by its tests.
#
# It mirrors experiments/cgan_face.yaml layer for layer: G = [z | one-hot] -> Dense -> 256x8x8 -> BN
# -> ReLU -> (Deconv 4x4 s2 p1 -> BN -> ReLU) x2 -> Deconv 4x4 s2 p1 -> tanh; D = (spectrally
# normalised Conv 4x4 s2 p1 -> LeakyReLU 0.2) x3 -> flatten -> spectrally normalised Linear to 1 + K
# (projection: column 0 plus column 1 + y, one matrix normalised as a whole, as in ganforge);
# N(0, 0.02) weights, hinge loss, Adam G 1e-4 / D 4e-4 with betas (0, 0.9), DiffAugment colour,
# translation and cutout on real and fake (separate draws; G's pass reuses the fake batch's
# augmented images, as ganforge does), G's EMA (a copy of G for steps 1-100, then 0.99 averaging,
# BatchNorm statistics included), z ~ U[-1, 1), batch 64, images area-resized to 64x64 in [-1, 1].
# Differences from ganforge: the random streams; PyTorch's power iteration on every D forward pass;
# the EMA averages BatchNorm's running variance where ganforge averages DL4J's log10 standard
# deviation; PIL rounds the resized images to 8 bits where ganforge keeps floats.
# Needs torch, numpy and Pillow.
#
#   python3 torch_face.py ../shared/data/att_faces OUT STEPS SEED
#
# writes OUT/step-N-fake1.png every 250 steps (2 rows x 40 classes, ganforge's grid layout) and, every
# 500 steps (DUMP_EVERY), the EMA generator as raw little-endian float32 files in OUT/ema-N/ with a
# test input and output; ConvertTorchGenerator.java copies them into a ganforge generator zip, so
# that `ganforge evaluate` judges the PyTorch generator with the same metrics and judge.
import sys, os, time, copy, glob, re
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from PIL import Image
root, out, steps, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(2); torch.manual_seed(seed); np.random.seed(seed)
os.makedirs(out, exist_ok=True)
people = sorted(os.listdir(root), key=lambda s: int(re.sub(r'\D', '', s) or 0))
people = [p for p in people if os.path.isdir(os.path.join(root, p))]
X, Y = [], []
for k, p in enumerate(people):
    for f in sorted(glob.glob(os.path.join(root, p, '*.pgm'))):
        im = Image.open(f).convert('L').resize((64, 64), Image.BOX)
        X.append(np.asarray(im, np.float32) / 127.5 - 1); Y.append(k)
X = torch.tensor(np.stack(X))[:, None]; Y = torch.tensor(Y); K = len(people); N = len(X)
print('data', X.shape, K, flush=True)
SN = nn.utils.spectral_norm
class G(nn.Module):
    def __init__(s):
        super().__init__()
        s.fc = nn.Linear(100 + K, 256 * 8 * 8)
        s.net = nn.Sequential(nn.BatchNorm2d(256), nn.ReLU(),
            nn.ConvTranspose2d(256, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.ReLU(),
            nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    def forward(s, z, y):
        return s.net(s.fc(torch.cat([z, F.one_hot(y, K).float()], 1)).view(-1, 256, 8, 8))
class D(nn.Module):
    def __init__(s):
        super().__init__()
        s.net = nn.Sequential(SN(nn.Conv2d(1, 64, 4, 2, 1)), nn.LeakyReLU(0.2),
            SN(nn.Conv2d(64, 128, 4, 2, 1)), nn.LeakyReLU(0.2),
            SN(nn.Conv2d(128, 256, 4, 2, 1)), nn.LeakyReLU(0.2), nn.Flatten())
        s.out = SN(nn.Linear(256 * 8 * 8, 1 + K))
    def forward(s, x, y):
        o = s.out(s.net(x)); return o[:, 0] + o.gather(1, (1 + y)[:, None])[:, 0]
def init(m):
    for mod in m.modules():
        if isinstance(mod, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            w = mod.weight_orig if hasattr(mod, 'weight_orig') else mod.weight
            nn.init.normal_(w, 0, 0.02); nn.init.zeros_(mod.bias)
g, d = G(), D(); init(g); init(d); ema = copy.deepcopy(g).eval()
og = torch.optim.Adam(g.parameters(), 1e-4, betas=(0.0, 0.9)); od = torch.optim.Adam(d.parameters(), 4e-4, betas=(0.0, 0.9))
# DiffAugment (Zhao et al. 2020), reference code's colour/translation/cutout
def aug(x):
    B = x.size(0)
    x = x + (torch.rand(B, 1, 1, 1) - 0.5)
    m = x.mean(1, keepdim=True); x = (x - m) * (torch.rand(B, 1, 1, 1) * 2) + m
    m = x.mean([1, 2, 3], keepdim=True); x = (x - m) * (torch.rand(B, 1, 1, 1) + 0.5) + m
    s = int(64 * 0.125 + 0.5)
    tx = torch.randint(-s, s + 1, (B, 1, 1)); ty = torch.randint(-s, s + 1, (B, 1, 1))
    bi, gx, gy = torch.meshgrid(torch.arange(B), torch.arange(64), torch.arange(64), indexing='ij')
    gx = torch.clamp(gx + tx + 1, 0, 65); gy = torch.clamp(gy + ty + 1, 0, 65)
    x = F.pad(x, [1, 1, 1, 1, 0, 0, 0, 0]).permute(0, 2, 3, 1).contiguous()[bi, gx, gy].permute(0, 3, 1, 2)
    c = 32
    ox = torch.randint(0, 64 + 1, (B, 1, 1)); oy = torch.randint(0, 64 + 1, (B, 1, 1))
    bi, gx, gy = torch.meshgrid(torch.arange(B), torch.arange(c), torch.arange(c), indexing='ij')
    gx = torch.clamp(gx + ox - c // 2, 0, 63); gy = torch.clamp(gy + oy - c // 2, 0, 63)
    mask = torch.ones(B, 64, 64); mask[bi, gx, gy] = 0
    return x * mask[:, None]
zs = torch.rand(2 * K, 100) * 2 - 1; ys = torch.arange(K).repeat(2)
def grid(step):
    with torch.no_grad(): im = ema(zs, ys)
    im = ((im + 1) * 127.5).clamp(0, 255).byte().numpy()[:, 0]
    canvas = np.zeros((2 * 66 + 2, K * 66 + 2), np.uint8)
    for i in range(2 * K):
        r, c = i // K, i % K; canvas[2 + r * 66: 2 + r * 66 + 64, 2 + c * 66: 2 + c * 66 + 64] = im[i]
    Image.fromarray(canvas).save(f'{out}/step-{step:08d}-fake1.png')
def dump(step):
    d = f'{out}/ema-{step:08d}'; os.makedirs(d, exist_ok=True)
    sd = ema.state_dict()
    for k, v in sd.items():
        if v.dtype.is_floating_point: v.detach().float().contiguous().numpy().astype('<f4').tofile(f'{d}/{k}.bin')
    x = torch.cat([zs, F.one_hot(ys, K).float()], 1)
    with torch.no_grad(): y = ema(zs, ys)
    x.numpy().astype('<f4').tofile(f'{d}/test_x.bin'); y.numpy().astype('<f4').tofile(f'{d}/test_y.bin')
perm, pos, t0, times = torch.randperm(N), 0, time.time(), []
for step in range(1, steps + 1):
    ts = time.time()
    if pos + 64 > N: perm, pos = torch.randperm(N), 0
    idx = perm[pos:pos + 64]; pos += 64
    real, yr = X[idx], Y[idx]
    z = torch.rand(64, 100) * 2 - 1; yf = torch.randint(0, K, (64,))
    fake = g(z, yf)
    fa = aug(fake)
    ld = F.relu(1 - d(aug(real), yr)).mean() + F.relu(1 + d(fa.detach(), yf)).mean()
    od.zero_grad(); ld.backward(); od.step()
    lg = -d(fa, yf).mean()
    og.zero_grad(); lg.backward(); og.step()
    with torch.no_grad():
        for pe, pg in zip(list(ema.parameters()) + list(ema.buffers()), list(g.parameters()) + list(g.buffers())):
            if step <= 100 or not pe.dtype.is_floating_point: pe.copy_(pg)
            else: pe.mul_(0.99).add_(pg, alpha=0.01)
    times.append(time.time() - ts)
    if step % 50 == 0: print(f'step {step} d {ld.item():.3f} g {lg.item():.3f} median {np.median(times[-50:]):.3f} s/step elapsed {time.time()-t0:.0f}s', flush=True)
    if step % 250 == 0: grid(step)
    if step % int(os.environ.get('DUMP_EVERY', 500)) == 0: dump(step)
