"""XCNet: a compact centre-point detector for dual-energy X-ray channels.

Why this shape: a parcel at 2 mm per pixel is at most ~512 × 512, items are
rigid and seen from one side, and the station must run on a 2-core CPU in a few
tens of milliseconds. A small residual backbone to stride 32 gives the context
for a laptop (~350 mm); a light top-down path brings it back to stride 4 (8 mm
at 2 mm per pixel; stride 8 is an option), where one heat map per class marks
item centres (CenterNet, Zhou et al. 2019) and four numbers per cell give the
box. Boxes are decoded inside the graph, so the station's post-processor only
picks peaks; it never needs PyTorch.

Outputs of :meth:`XCNet.forward` (``deploy`` mode, the exported graph):

- ``scores``: (N, classes, H/s, W/s) sigmoid class scores, zero except at 3×3 local maxima;
- ``boxes``: (N, 4, H/s, W/s) the box of each cell, ``x0, y0, x1, y1`` in input pixels;

``s`` is the output stride (``model.json`` ``outputs.stride``).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.nn import functional

PRIOR_PROBABILITY = 0.01  # initial score of every cell (focal-loss practice)


def conv_bn(c_in: int, c_out: int, kernel: int = 3, stride: int = 1, groups: int = 1,
            act: bool = True) -> nn.Sequential:
    layers: list[nn.Module] = [
        nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(c_out),
    ]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    """1×1 reduce, 3×3, 1×1 expand, residual."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        mid = channels // 2
        self.body = nn.Sequential(
            conv_bn(channels, mid, 1), conv_bn(mid, mid, 3), conv_bn(mid, channels, 1, act=False)
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.body(x))


class DepthwiseBlock(nn.Module):
    """Depthwise 3×3 + pointwise, residual: cheap at high resolution."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            conv_bn(channels, channels, 3, groups=channels),
            conv_bn(channels, channels, 1, act=False),
        )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.body(x))


def _stage(c_in: int, c_out: int, blocks: int, depthwise: bool = False) -> nn.Sequential:
    block = DepthwiseBlock if depthwise else Bottleneck
    return nn.Sequential(conv_bn(c_in, c_out, 3, 2), *(block(c_out) for _ in range(blocks)))


class XCNet(nn.Module):
    def __init__(self, num_classes: int, in_channels: int = 3,
                 widths: tuple[int, int, int, int, int] = (16, 32, 64, 128, 192),
                 neck: int = 64, head: int = 32, stride: int = 4,
                 head_pointwise: bool = False) -> None:
        super().__init__()
        if stride not in (4, 8):
            raise ValueError(f"output stride must be 4 or 8, not {stride}")
        w2, w4, w8, w16, w32 = widths
        self.num_classes = num_classes
        self.stride = stride
        self.stem = conv_bn(in_channels, w2, 3, 2)
        self.s4 = _stage(w2, w4, 1, depthwise=True)
        self.s8 = _stage(w4, w8, 2)
        self.s16 = _stage(w8, w16, 2)
        self.s32 = _stage(w16, w32, 2)
        self.lat32 = conv_bn(w32, neck, 1)
        self.lat16 = conv_bn(w16, neck, 1)
        self.lat8 = conv_bn(w8, neck, 1)
        self.smooth16 = DepthwiseBlock(neck)
        self.smooth8 = DepthwiseBlock(neck)
        self.up = nn.Upsample(scale_factor=2.0, mode="nearest")
        if stride == 4:
            self.reduce8 = conv_bn(neck, head, 1)
            self.lat4 = conv_bn(w4, head, 1)
            self.smooth4 = DepthwiseBlock(head)
        else:
            head = neck
        # optionally a pointwise layer after the depthwise block: more than one linear
        # map of the features to tell classes apart by shape (a knife from a phone)
        extra: list[nn.Module] = [conv_bn(head, head, 1)] if head_pointwise else []
        self.heat = nn.Sequential(DepthwiseBlock(head), *extra, nn.Conv2d(head, num_classes, 1))
        extra = [conv_bn(head, head, 1)] if head_pointwise else []
        self.box = nn.Sequential(DepthwiseBlock(head), *extra, nn.Conv2d(head, 4, 1))
        self.deploy = False
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        last_heat = self.heat[-1]
        last_box = self.box[-1]
        assert isinstance(last_heat, nn.Conv2d) and isinstance(last_box, nn.Conv2d)
        assert last_heat.bias is not None
        nn.init.normal_(last_heat.weight, std=0.01)
        nn.init.constant_(last_heat.bias, -math.log((1 - PRIOR_PROBABILITY) / PRIOR_PROBABILITY))
        nn.init.normal_(last_box.weight, std=0.01)

    def features(self, x: Tensor) -> Tensor:
        c4 = self.s4(self.stem(x))
        c8 = self.s8(c4)
        c16 = self.s16(c8)
        c32 = self.s32(c16)
        p16 = self.smooth16(self.lat16(c16) + self.up(self.lat32(c32)))
        p8 = self.smooth8(self.lat8(c8) + self.up(p16))
        if self.stride == 8:
            return p8
        return self.smooth4(self.lat4(c4) + self.up(self.reduce8(p8)))

    def raw(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Training outputs: class logits (N, C, h, w) and box parameters (N, 4, h, w):
        log(w/stride), log(h/stride), centre offset x, y within the cell (0..1)."""
        p = self.features(x)
        return self.heat(p), self.box(p)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        logits, params = self.raw(x)
        if not self.deploy:
            return logits, params
        return decode(logits, params, self.stride)


def decode(logits: Tensor, params: Tensor, stride: int) -> tuple[Tensor, Tensor]:
    """(scores with non-peaks zeroed, boxes x0 y0 x1 y1 in input pixels) — in-graph decoding."""
    scores = torch.sigmoid(logits)
    peaks = functional.max_pool2d(scores, 3, stride=1, padding=1)
    scores = scores * (scores >= peaks).to(scores.dtype)
    _, _, h, w = params.shape
    gy = torch.arange(h, dtype=params.dtype, device=params.device).view(1, h, 1)
    gx = torch.arange(w, dtype=params.dtype, device=params.device).view(1, 1, w)
    size_w = torch.exp(params[:, 0].clamp(max=8.0)) * stride
    size_h = torch.exp(params[:, 1].clamp(max=8.0)) * stride
    cx = (gx + params[:, 2]) * stride
    cy = (gy + params[:, 3]) * stride
    boxes = torch.stack(
        (cx - size_w / 2, cy - size_h / 2, cx + size_w / 2, cy + size_h / 2), dim=1
    )
    return scores, boxes
